"""The conformance kit's defaults, apart so that the command line names them without loading the kit."""

DEFAULT_THRESHOLD = 2.0  # seconds: "ingest the event and respond with 200 OK", no inline processing
DEFAULT_TIMEOUT = 10.0
DEFAULT_PROJECT = "conformance-project"
