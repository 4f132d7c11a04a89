"""Steps of issue 14, part two: suggestions on working days of the journal's region."""

from kundenpflege.storage import holidays
from kundenpflege.storage.connection import Connection
from kundenpflege.storage.migrations.registry import migration, run


@migration
def m015_public_holidays(connection: Connection) -> None:
    """The holidays of the default region (Germany), computed once: until someone
    runs `init --region`, suggestions skip these."""
    run(connection, *holidays.TABLES)
    holidays.store(connection, holidays.DEFAULT_REGION)
