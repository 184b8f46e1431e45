"""Seed state directly, exercise code through the SDK, then inspect state directly."""


def find_by_name(client, name):
    """Code under test: looks an assistant up by name, page by page."""
    return next((a for a in client.beta.assistants.list(limit=2) if a.name == name), None)


def test_code_under_test_finds_a_seeded_assistant(seeded, client):
    found = find_by_name(client, "alpha")

    assert found is not None
    assert found.metadata == {"team": "search"}
    assert seeded.call_count == 2  # two pages of two: the SDK followed has_more


def test_changes_made_over_http_are_visible_directly(seeded, client, endpoint):
    beta = find_by_name(client, "beta")
    client.beta.assistants.delete(beta.id)

    remaining = seeded.resource(endpoint).assistants.list()
    assert [a["name"] for a in remaining] == ["alpha", "gamma"]
