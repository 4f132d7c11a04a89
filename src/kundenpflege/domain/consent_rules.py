"""Which consent a planned contact needs, and whether the ledger holds it.

Apart from the ledger (`consent`) because every `due` reads it: it loads nothing
but the rule and one query.
"""

from kundenpflege.storage.connection import Connection

# Which purpose a planned contact needs (DESIGN §2): a newsletter always needs
# newsletter consent; cold e-mail or calls to prospects are marketing.
PURPOSE_FOR_CHANNEL = {"newsletter": "newsletter"}
PROSPECT_PURPOSE_FOR_CHANNEL = {"email": "email-marketing", "phone": "phone-marketing"}


def missing_for(
    connection: Connection, customer_id: int, status: str, channel: str | None
) -> str | None:
    """The purpose a planned contact on `channel` needs but lacks confirmed consent for."""
    purpose = PURPOSE_FOR_CHANNEL.get(channel or "")
    if purpose is None and status == "prospect":
        purpose = PROSPECT_PURPOSE_FOR_CHANNEL.get(channel or "")
    if purpose is None:
        return None
    confirmed = connection.execute(
        "SELECT 1 FROM consent k WHERE k.customer_id = ? AND k.purpose = ? AND k.action = 'confirm'"
        " AND NOT EXISTS (SELECT 1 FROM consent later WHERE later.customer_id = k.customer_id"
        " AND later.purpose = k.purpose AND later.contact_id IS k.contact_id AND later.id > k.id"
        " AND later.action != 'confirm')",
        (customer_id, purpose),
    ).fetchone()
    return None if confirmed else purpose
