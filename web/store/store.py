"""``Store``: one object per connection, with every query of every table group.

Each table group keeps its queries in its own module (a small class over ``Queries``),
so that no module grows past a few hundred lines; callers still hold one object per
connection and call ``store().create_post(...)`` without knowing which group a query
belongs to. A group that uses another's query inherits that group (``Alerts`` is a
``Notifications``): the dependencies between groups are written in the class lines."""

from web.store.accounts import Accounts
from web.store.addresses import Addresses
from web.store.alerts import Alerts
from web.store.buildings import Buildings
from web.store.calls import Calls
from web.store.cities import Cities
from web.store.connections import Connections
from web.store.dashboard import Dashboard
from web.store.escalations import Escalations
from web.store.idempotency import IdempotencyKeys
from web.store.messages import Messages
from web.store.migrations import Schema
from web.store.missions import Missions
from web.store.mydata import MyData
from web.store.notifications import Notifications
from web.store.posts import Posts
from web.store.ratelimits import RateLimits
from web.store.retention import Retention
from web.store.settings import Settings


class Store(
    Settings,
    Escalations,
    MyData,  # and Moderation
    Retention,
    Accounts,
    Calls,
    Missions,
    Alerts,
    Buildings,
    Messages,
    Posts,
    Connections,
    Dashboard,
    Notifications,
    Cities,
    Addresses,
    RateLimits,
    IdempotencyKeys,
    Schema,
):
    """One connection to the database, with the statements the app runs.

    ``Store(path)`` opens a connection of its own (tests, commands, background jobs);
    ``web.store.current()`` gives the request's."""
