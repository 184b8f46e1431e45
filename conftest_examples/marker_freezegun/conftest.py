import pytest
from openai import AzureOpenAI


@pytest.fixture
def client() -> AzureOpenAI:
    return AzureOpenAI(
        azure_endpoint="https://contoso.openai.azure.com",
        api_key="secret-key",
        api_version="2024-05-01-preview",
    )


def pytest_configure(config):
    # The openai SDK marks every assistants method deprecated; they still work.
    config.addinivalue_line("filterwarnings", "ignore:.*deprecated:DeprecationWarning")
