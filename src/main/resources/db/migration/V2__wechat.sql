-- Schema version 2: the WeChat official-account channel (xiaofa.channel.wechat).

-- one row per push WeChat delivered: the first delivery claims the key, retries (up to three, possibly
-- overlapping) find it and answer with the stored passive reply, or "success" when the answer went out later as
-- a customer-service message. Rows older than two days are purged.
CREATE TABLE wechat_pushes (
  dedupe_key  VARCHAR(200) PRIMARY KEY,           -- msg:<MsgId> or evt:<FromUserName>:<CreateTime>:<Event>
  open_id     VARCHAR(64)  NOT NULL,
  received_at TIMESTAMP WITH TIME ZONE NOT NULL,
  state       VARCHAR(16)  NOT NULL,              -- processing, passive, async
  reply       VARCHAR(8000)                       -- the passive reply's plaintext XML (state passive)
);
CREATE INDEX wechat_pushes_by_time ON wechat_pushes (received_at);

-- the access_token of each AppID, shared by every node: one node refreshes it under a row lock, the others read it
CREATE TABLE wechat_tokens (
  app_id       VARCHAR(32)   PRIMARY KEY,
  access_token VARCHAR(1024),
  expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- where a follower last said they are (location message, LOCATION event, a community's QR code): the area hint
-- for routing their cases to the nearest community's advisor. Deleted when they unfollow.
CREATE TABLE wechat_users (
  open_id    VARCHAR(64) PRIMARY KEY,
  area       VARCHAR(32),                         -- grid code
  lat        DOUBLE PRECISION,
  lon        DOUBLE PRECISION,
  located_at TIMESTAMP WITH TIME ZONE NOT NULL
);
