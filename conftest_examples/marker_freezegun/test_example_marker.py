"""Options through the marker (module level here, overridden per test), time through freezegun.

With a fixed seed the ids are the same in every run, and with frozen time so are the
timestamps: a test can compare whole objects.
"""

import datetime

import openai
import pytest
from freezegun import freeze_time

pytestmark = pytest.mark.fake_assistants(seed=42, api_key="secret-key")

NEW_YEAR = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


@freeze_time(NEW_YEAR)
def test_exact_timestamps_and_stable_ids(fake_assistants, client):
    first = client.beta.assistants.create(model="gpt-4o")
    second = client.beta.assistants.create(model="gpt-4o")

    assert first.created_at == second.created_at == int(NEW_YEAR.timestamp())
    # Same second: the list still keeps true creation order (newest first by default).
    assert [a.id for a in client.beta.assistants.list()] == [second.id, first.id]


def test_same_seed_same_ids(fake_assistants, client):
    again = fake_assistants.copy()  # same options, empty state
    with again:
        id_in_copy = client.beta.assistants.create(model="gpt-4o").id
    assert client.beta.assistants.create(model="gpt-4o").id == id_in_copy


@pytest.mark.fake_assistants(api_key="another-key")  # the closest marker wins
def test_wrong_key_is_rejected(fake_assistants, client):
    with pytest.raises(openai.AuthenticationError) as caught:
        client.beta.assistants.list()

    assert caught.value.status_code == 401
    assert caught.value.code == "401"
