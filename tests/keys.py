"""The tests' keys: fixed, so a failing run can be repeated; made for the tests, used nowhere else.

``KEY_SETTINGS`` are the settings that give a bot with a token its keys (a real bot refuses to
start without them); ``SEALER`` and ``PSEUDONYMS`` are what those settings make, for tests that
open the storage or the handoff store themselves, and must read what the bot wrote.
"""

from __future__ import annotations

from bot.privacy import Pseudonyms, Sealer

SECRET_KEY = "D-PiC5linCTMlEk6r5NosdaiVmRh6NcAOsHT_8lslIM="
#: Another Fernet key, for rotation: put it in front of SECRET_KEY.
NEW_SECRET_KEY = "oZFTTdC4mrx8y_PBY5afh1FTinO1pBHCxVARqsJXedM="
PSEUDONYM_KEY = "nxTWW-NMYY7D_czgxk3XX_p0d5MxWnpe_EVM2suI_cc="

KEY_SETTINGS = {"haven_secret_key": SECRET_KEY, "haven_pseudonym_key": PSEUDONYM_KEY}
KEY_ENVIRONMENT = {"HAVEN_SECRET_KEY": SECRET_KEY, "HAVEN_PSEUDONYM_KEY": PSEUDONYM_KEY}

SEALER = Sealer([SECRET_KEY])
PSEUDONYMS = Pseudonyms(PSEUDONYM_KEY)
