"""The rhythm for customers who never told us theirs: one setting of the journal."""

from kundenpflege.domain import journal
from kundenpflege.domain.dates import Frequency, parse_frequency
from kundenpflege.storage import settings
from kundenpflege.storage.connection import Connection

DEFAULT_FREQUENCY = "3m"
KEY = "default_frequency"


def default_frequency(connection: Connection) -> Frequency:
    """Quarterly unless the journal says otherwise."""
    return parse_frequency(settings.get(connection, KEY, DEFAULT_FREQUENCY))


@journal.writes
def set_default_frequency(connection: Connection, frequency: Frequency) -> None:
    """Every customer without a stated rhythm moves with it; the unit of work
    recomputes them before the change commits."""
    settings.put(connection, KEY, frequency.code)
