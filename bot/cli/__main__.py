"""``python -m bot.cli``: the same as the ``haven`` console script."""

import sys

from bot.cli import main

sys.exit(main())
