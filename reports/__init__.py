"""cashcast's rendering: JSON/CSV, Excel and HTML reports, and the command line on top."""
