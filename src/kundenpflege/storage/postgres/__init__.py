"""PostgreSQL: the journal on a database server (issue 17)."""
