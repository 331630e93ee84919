from dorsi.cli import main

raise SystemExit(main())
