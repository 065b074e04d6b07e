from cityops.cli import main

raise SystemExit(main())
