-- xiaofa's schema, version 3: the field app (网格通). Written once for H2 (PostgreSQL mode) and PostgreSQL.

-- the nonces of signed field-app requests, kept for 10 minutes (twice the ±300 s timestamp window): a request seen
-- before, on any node, is refused as a replay
CREATE TABLE grid_nonces (
  app_id     VARCHAR(64) NOT NULL,
  nonce      VARCHAR(64) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (app_id, nonce)
);
CREATE INDEX grid_nonces_by_time ON grid_nonces (created_at);

-- a case a grid worker reported for a resident: which app and worker, the grid, the resident's contact and the
-- attachments. Beside cases rather than in it, so that hand-off stays channel-agnostic. The resident's phone is shown
-- whole only to the case's advisor.
CREATE TABLE grid_reports (
  case_id        VARCHAR(20)  PRIMARY KEY REFERENCES cases (id),
  app_id         VARCHAR(64)  NOT NULL,
  worker         VARCHAR(64)  NOT NULL,
  grid           VARCHAR(32)  NOT NULL,
  resident_name  VARCHAR(100) NOT NULL,
  resident_phone VARCHAR(32)  NOT NULL,
  attachments    VARCHAR(8000),                  -- JSON array of {"url", "name", "kind"}
  created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX grid_reports_by_app ON grid_reports (app_id, grid, created_at);
