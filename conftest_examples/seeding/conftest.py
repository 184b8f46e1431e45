import pytest
from openai import AzureOpenAI

ENDPOINT = "https://contoso.openai.azure.com"


@pytest.fixture
def endpoint() -> str:
    return ENDPOINT


@pytest.fixture
def client() -> AzureOpenAI:
    return AzureOpenAI(
        azure_endpoint=ENDPOINT, api_key="test-key", api_version="2024-05-01-preview"
    )


@pytest.fixture
def seeded(fake_assistants):
    """Three assistants already in place, made without any HTTP request."""
    resource = fake_assistants.resource(ENDPOINT)
    for name in ("alpha", "beta", "gamma"):
        resource.assistants.create(model="gpt-4o", name=name, metadata={"team": "search"})
    return fake_assistants


def pytest_configure(config):
    # The openai SDK marks every assistants method deprecated; they still work.
    config.addinivalue_line("filterwarnings", "ignore:.*deprecated:DeprecationWarning")
