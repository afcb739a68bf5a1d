"""The texts a city must publish: its charter, its privacy notice under the GDPR and its
legal notice; and its look (colour, logo).

A city's admin writes its own; until then each is made from the city's settings (who the
controller is, how to reach them, how long each kind of data is kept: the same periods
the purge applies, ``web.services.retention``), in the reader's language. Texts are plain
text: paragraphs separated by a blank line, never HTML."""

from flask_babel import gettext as _

from web.services import retention, settings
from web.store.rows import City

NAMES = ("charter", "privacy", "legal")

LOGO_MAX_BYTES = 200 * 1024
# What a logo's first bytes must be (RIFF....WEBP: bytes 8-11 are checked separately)
LOGO_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/webp": b"RIFF"}
MIN_CONTRAST = 4.5  # white text on the city's colour (WCAG AA, as the site's own colours)


def title(name: str) -> str:
    titles = {"charter": _("Charter"), "privacy": _("Privacy notice"), "legal": _("Legal notice")}
    return str(titles[name])


def text(city: City, name: str) -> str:
    """The city's own text ``name``, else the one made from its settings."""
    own = settings.of(city)
    written = str(getattr(own, name))
    if written:
        return written
    controller = own.controller or city["name"]
    contact = own.contact or own.phone or _("the city's admins, through this site")
    if name == "charter":
        return "\n\n".join(
            [
                _("Help between neighbours is free: no commercial offer, no payment asked."),
                _(
                    "Be kind and respectful; meet in public places when you can; never give "
                    "your bank details."
                ),
                _("The city's moderators hide the posts that break this charter."),
            ]
        )
    if name == "legal":
        return "\n\n".join(
            [
                _("This service is published by {controller}.").format(controller=controller),
                _("Contact: {contact}.").format(contact=contact),
                _("It runs voisinage, free software under the GNU Affero General Public License."),
            ]
        )
    days = retention.periods(city)
    return "\n\n".join(
        [
            _("Controller: {controller}. Contact: {contact}.").format(
                controller=controller, contact=contact
            ),
            _(
                "We keep your account (e-mail address, name, home address, phone if you give "
                "it), your posts, your connections and their messages, only to put neighbours "
                "in touch. Your home address is never shown: your posts appear at the precision "
                "you choose."
            ),
            _(
                "How long: posts live {ttl} days unless renewed, and are deleted {ended} days "
                "after they end; connections and their messages {connections} days after their "
                "last change; accounts unused for {accounts} days (you are warned before); the "
                "social service's call list {calls} days; notifications {notifications} days; "
                "the audit log {audit} days."
            ).format(
                ttl=own.post_ttl_days,
                ended=days["ended_posts"],
                connections=days["connections"],
                accounts=days["unused_accounts"],
                calls=days["call_people"],
                notifications=days["notifications"],
                audit=days["audit_log"],
            ),
            _(
                "Your rights: you can read, correct, download or delete your data from your "
                "account page, object to its use, or write to the contact above. You may also "
                "complain to the CNIL (www.cnil.fr)."
            ),
        ]
    )


def paragraphs(value: str) -> list[str]:
    return [part.strip() for part in value.replace("\r\n", "\n").split("\n\n") if part.strip()]


def logo_type(declared: str, data: bytes) -> str | None:
    """The media type of a logo whose bytes are what ``declared`` says (PNG or WebP);
    None if they are not."""
    magic = LOGO_MAGIC.get(declared)
    if magic is None or not data.startswith(magic):
        return None
    if declared == "image/webp" and data[8:12] != b"WEBP":
        return None
    return declared


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio of white on ``#rrggbb``."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    return 1.05 / (luminance + 0.05)


def darker(colour: str) -> str:
    """``colour`` a quarter darker (buttons' hover)."""
    return "#" + "".join(f"{int(int(colour[i : i + 2], 16) * 0.75):02x}" for i in (1, 3, 5))
