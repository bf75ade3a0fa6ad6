"""sinch-mock: a stateful test double of Sinch's Imported Numbers and Hosting Orders API."""

__version__ = "0.1.0"

__all__ = ["__version__", "create_app", "MockConfig"]


def __getattr__(name: str):  # lazy, so `import mock_server` stays cheap for the pytest plugin
    if name == "create_app":
        from mock_server.http.app import create_app

        return create_app
    if name == "MockConfig":
        from mock_server.config import MockConfig

        return MockConfig
    raise AttributeError(name)
