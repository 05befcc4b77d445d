"""Errors whose messages tell the user what went wrong and how to fix it."""


class GazetteError(Exception):
    """Base of every error the pipeline reports to a user."""


class BadInputError(GazetteError):
    """A source cannot be read or parsed; it is quarantined with this message. The cause is in
    its bytes (not a PDF, encrypted, empty, undecodable), so the same bytes fail again: not
    retried unless asked (`gazette ingest --retry-quarantined`)."""
    transient = False


class TransientSourceError(BadInputError):
    """A source cannot be read here and now, for a cause of this machine rather than of its
    bytes (a tool missing, OCR timing out); the next ingest retries it (flows/ingest/plan.py)."""
    transient = True


class StagingError(GazetteError):
    """A source's rows do not fit the catalog's column types; the source is quarantined."""
    transient = False


class CatalogBusyError(GazetteError):
    """Another process holds the catalog; retry later or raise --lock-timeout."""


class CatalogVersionError(GazetteError):
    """The catalog was written by a newer schema than this code knows."""


class QueryError(GazetteError):
    """An analyst's SQL failed; the message is DuckDB's, which names the cause."""


class FeedError(GazetteError):
    """A feed's URL could not be fetched: after its retries, or refused at once (a scheme, host
    or address outside the feed's settings); the feed's other URLs go on."""


class RefusedURLError(FeedError):
    """A URL outside what the feed's settings allow (its scheme, host or address); never retried."""


class QueryRefusedError(QueryError):
    """An analyst's SQL would write, or reach beyond the catalog; the message names the statement."""


class CatalogDamagedError(GazetteError):
    """The catalog file is not a DuckDB database, or is damaged; it has to be recreated."""


class ExportError(GazetteError):
    """`gazette export` cannot write where it was asked to; the message says what to change."""


def seconds_text(seconds: float) -> str:
    """A duration for a message, as precise as it was given: 0.5 → "0.5 s", 300 → "300 s"."""
    return f"{seconds:.3f}".rstrip("0").rstrip(".") + " s"


class DocumentRefError(GazetteError):
    """A document named on the command line is not found, or names several."""


class ProfileError(GazetteError):
    """A company profile for `gazette match` is not valid; the message names the file and the field."""
