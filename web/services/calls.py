"""The call list: people without internet whom the city's social workers phone.

Social workers of a city keep a private list of people who agreed to be called (name,
phone, geocoded address, needs, notes, the date they consented). The list lives in its
own tables, never in a post index or any public answer; only social workers of the same
city read or change it, and each read and change is written to ``call_access_log`` in
the same transaction (SQLite triggers refuse to update or delete that log).

Nearest volunteers: residents who ticked "I accept to phone people isolated near me"
(``accepts_calls``), found by the engine on the public points of their homes
(``web.services.homes``, ``web.services.volunteers``), with distances rounded to 100 m:
the social worker learns which volunteers live near, not where."""

from typing import Literal

Outcome = Literal["reached", "no_answer", "wrong_number", "declined"]  # social workers' calls
VolunteerOutcome = Literal["done", "no_answer", "call_back"]  # volunteers log their own
AnyOutcome = Literal[Outcome, VolunteerOutcome]
MAX_VOLUNTEERS = 20
