"""Allow ``python -m app`` as an alias of the ``sas`` command."""

from app.cli import main

raise SystemExit(main())
