"""Steps of issue 17: a journal shared by a team (on PostgreSQL).

Each step here comes with its PostgreSQL form, for server journals made before it.
"""

from kundenpflege.storage.connection import Connection
from kundenpflege.storage.migrations.registry import on_server, run

_CHANGE_AUTHOR = "ALTER TABLE changes ADD COLUMN person TEXT"


@on_server(_CHANGE_AUTHOR)
def m024_change_authors(connection: Connection) -> None:
    """Who made each change (the person, or the server login), so that `undo` on a
    shared journal reverses only one's own; NULL for changes made before."""
    run(connection, _CHANGE_AUTHOR)
