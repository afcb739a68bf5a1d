"""A city's settings as its admin set them, over the defaults of the app's configuration.

What were global settings (``POST_TTL_DAYS``, ``ESCALATION_AFTER_HOURS``,
``REMINDER_DAYS_BEFORE``) are now each city's own: the configured values stay the
defaults of every city that did not set its own. Read from the city's row as the process's
index holds it (``web.indexes`` re-reads it on a change), so a change is seen at once."""

from dataclasses import dataclass
from typing import Any

from flask import current_app

from web.store.rows import City

DEFAULT_REMOTE_RADIUS_M = 50_000.0  # the engine's widest circle: the whole city and around

# the city's own settings, each with its config default (None: no default, the value is the city's)
CONFIGURED = {
    "post_ttl_days": "POST_TTL_DAYS",
    "escalation_after_hours": "ESCALATION_AFTER_HOURS",
    "reminder_days_before": "REMINDER_DAYS_BEFORE",
}


@dataclass(frozen=True, slots=True)
class CitySettings:
    """What a city's admin sets (beyond its name, languages and pre-moderation)."""

    post_ttl_days: int
    escalation_after_hours: float
    reminder_days_before: int
    remote_radius_m: float
    phone: str
    colour: str
    # the texts a city publishes (web.services.texts): "" is the text made from its settings
    controller: str
    contact: str
    charter: str
    privacy: str
    legal: str

    @property
    def post_ttl_s(self) -> float:
        return self.post_ttl_days * 86_400.0

    @property
    def escalation_after_s(self) -> float:
        return self.escalation_after_hours * 3_600.0


def defaults() -> dict[str, Any]:
    """Every setting's value for a city that did not set its own."""
    return {
        **{name: current_app.config[key] for name, key in CONFIGURED.items()},
        "remote_radius_m": DEFAULT_REMOTE_RADIUS_M,
        "phone": "",
        "colour": "",
        **dict.fromkeys(("controller", "contact", "charter", "privacy", "legal"), ""),
    }


def remote_radius_m(city: City) -> float:
    """How far remote help is searched around a point (the whole city by default)."""
    return float(city["settings"].get("remote_radius_m", DEFAULT_REMOTE_RADIUS_M))


def of(city: City) -> CitySettings:
    """The city's settings: its own values, else the defaults."""
    values = defaults()
    values.update((name, city["settings"][name]) for name in values if name in city["settings"])
    return CitySettings(**values)
