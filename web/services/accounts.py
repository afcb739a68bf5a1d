"""Accounts: signing up, passwords and sessions, told apart from nobody.

Signing up answers 202 whatever the address: a new address gets a link that opens the
account (``web.mailed_links``), a known one a mail saying someone tried; so the form tells
nobody who is registered. The registration travels with its link, so a stranger who signs
up first with someone's address changes nothing that person confirms. A password reset
answers 202 alike. Changing or resetting the password ends every session
(``web.sessions``), as does "log out everywhere"."""


# -- pages: each script reads the token from the link's fragment ---------------------------
