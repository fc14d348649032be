"""``python -m aniworld_desktop``."""

import sys

from aniworld_desktop.app import main

sys.exit(main())
