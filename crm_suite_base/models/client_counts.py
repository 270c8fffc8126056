"""Records counted per client (commercial partner), for the smart buttons of
the client file: one grouped query, as the user (record rules decide what is
counted)."""


def count_by_client(partners, model_name, field="partner_id", domain=()):
    """``{commercial partner id: number of records of model_name}`` whose
    ``field`` is one of those clients or their contacts, among the records
    matching ``domain`` (all of them when empty): count what the smart button
    shows."""
    clients = partners.commercial_partner_id.filtered("id")
    if not clients:
        return {}
    counts = {}
    for partner, count in partners.env[model_name]._read_group(
        [(field, "child_of", clients.ids), *domain], [field], ["__count"]
    ):
        client = partner.commercial_partner_id.id
        counts[client] = counts.get(client, 0) + count
    return counts
