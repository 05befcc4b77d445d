-- Alerts for what is new in the catalog, their delivery per channel, and the state of HTTP feeds.
-- An alert's id is derived from what it announces, so deriving alerts again inserts nothing twice.

CREATE TABLE alerts (
    alert_id     VARCHAR PRIMARY KEY,          -- issue:<issue_key>, document:<doc_key>, revision:<policy_key>@<doc_key>
    created_at   TIMESTAMP NOT NULL,
    kind         VARCHAR NOT NULL CHECK (kind IN ('issue', 'document', 'revision')),
    doc_id       VARCHAR,                      -- the document announced (null for an issue)
    issue_id     VARCHAR,                      -- the issue announced, or the issue a document came in
    subject      VARCHAR NOT NULL,             -- one line: e-mail subject, list view
    summary      VARCHAR NOT NULL,             -- the issue or document with its headline facts
    delivered_at TIMESTAMP                     -- set once every configured channel has it
);

-- One row per alert and channel tried: delivered_at stays null until a send succeeds.
CREATE TABLE alert_deliveries (
    alert_id     VARCHAR NOT NULL,
    channel      VARCHAR NOT NULL,             -- jsonl, webhook, smtp
    delivered_at TIMESTAMP,
    attempts     INTEGER NOT NULL,
    last_error   VARCHAR,
    PRIMARY KEY (alert_id, channel)
);

-- Conditional-request state of each URL a feed fetched: sent back as If-None-Match / If-Modified-Since.
CREATE TABLE feed_state (
    url           VARCHAR PRIMARY KEY,
    feed          VARCHAR NOT NULL,
    etag          VARCHAR,
    last_modified VARCHAR,
    sha256        VARCHAR,                     -- of the body last received
    path          VARCHAR,                     -- where it was saved, relative to the drop folder
    checked_at    TIMESTAMP NOT NULL,
    changed_at    TIMESTAMP
);
