-- The reference server's tables, created at every start (storage.Database): each section
-- names the domain module whose rules read and write its tables. A user's data references
-- `users(id) ON DELETE CASCADE`, so /unregister, which deletes the user's row, deletes it
-- all; sessions only forget their user (SET NULL). `users` comes first: most tables
-- reference it.

-- users (domain/users.py)
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    domain INTEGER NOT NULL,
    username TEXT COLLATE NOCASE,
    email TEXT COLLATE NOCASE,
    password_hash TEXT,
    firstname TEXT,
    lastname TEXT,
    gender TEXT,
    birthday TEXT,
    phone TEXT,
    language TEXT,
    country TEXT,
    newsletter INTEGER NOT NULL DEFAULT 0,
    status TEXT,
    authorized INTEGER NOT NULL DEFAULT 0,
    anonymous INTEGER NOT NULL DEFAULT 0,
    preregistered INTEGER NOT NULL DEFAULT 0,
    vouchercode TEXT,
    affiliatepartner TEXT,
    affiliateparam TEXT,
    paymentregistrationservice TEXT,
    connectedform INTEGER,
    created REAL NOT NULL,
    UNIQUE (domain, username),
    UNIQUE (domain, email)
);
CREATE TABLE IF NOT EXISTS user_providers (
    domain INTEGER NOT NULL,
    provider TEXT NOT NULL,
    token TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (domain, provider, token)
);

-- account (domain/account.py)
CREATE TABLE IF NOT EXISTS push_devices (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_hash TEXT NOT NULL,
    token TEXT NOT NULL,
    PRIMARY KEY (user_id, device_hash)
);
CREATE TABLE IF NOT EXISTS takeouts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created REAL NOT NULL
);

-- avs (domain/avs.py)
CREATE TABLE IF NOT EXISTS avs_transactions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    ageclass INTEGER NOT NULL,
    expires REAL NOT NULL,
    status TEXT
);

-- catalogue (domain/catalogue.py)
CREATE TABLE IF NOT EXISTS media_items (
    gid INTEGER PRIMARY KEY AUTOINCREMENT,
    domain INTEGER NOT NULL,
    streamtype TEXT NOT NULL,
    item_id INTEGER NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    subtitle TEXT NOT NULL DEFAULT '',
    teaser TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    body TEXT,
    runtime INTEGER,
    created REAL NOT NULL,
    uploaded REAL,
    published INTEGER NOT NULL,
    thumb TEXT,
    owner INTEGER REFERENCES users(id) ON DELETE CASCADE,
    from_capture INTEGER NOT NULL DEFAULT 0,
    for_user_story INTEGER NOT NULL DEFAULT 0,
    lat REAL,
    lng REAL,
    UNIQUE (domain, streamtype, item_id)
);
CREATE INDEX IF NOT EXISTS media_items_owner ON media_items (owner);
CREATE TABLE IF NOT EXISTS media_item_ids (
    domain INTEGER NOT NULL,
    streamtype TEXT NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (domain, streamtype)
);

-- interactions (domain/interactions.py)
CREATE TABLE IF NOT EXISTS interactions (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    list TEXT NOT NULL,
    gid INTEGER NOT NULL REFERENCES media_items(gid) ON DELETE CASCADE,
    added REAL NOT NULL,
    rating INTEGER,
    progress INTEGER,
    completed INTEGER,
    purchased REAL,
    expires INTEGER,
    PRIMARY KEY (user_id, list, gid)
);
CREATE INDEX IF NOT EXISTS interactions_gid ON interactions (gid);
CREATE TABLE IF NOT EXISTS comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    gid INTEGER NOT NULL REFERENCES media_items(gid) ON DELETE CASCADE,
    text TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS comments_user ON comments (user_id);
CREATE INDEX IF NOT EXISTS comments_gid ON comments (gid);

-- mail_tokens (domain/mail_tokens.py)
CREATE TABLE IF NOT EXISTS mail_tokens (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires REAL NOT NULL,
    used REAL
);

-- profile (domain/profile.py)
CREATE TABLE IF NOT EXISTS channel_subscriptions (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel INTEGER NOT NULL,
    viamail INTEGER NOT NULL,
    viapush INTEGER NOT NULL,
    PRIMARY KEY (user_id, channel)
);

-- second_factor (domain/second_factor.py)
CREATE TABLE IF NOT EXISTS held_logins (
    cid TEXT PRIMARY KEY REFERENCES sessions(cid) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    host TEXT,
    challenge TEXT,
    expires REAL
);
CREATE TABLE IF NOT EXISTS device_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    cid TEXT NOT NULL REFERENCES sessions(cid) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    salt TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    expires REAL NOT NULL,
    spent INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS device_codes_by_cid ON device_codes(cid);
CREATE TABLE IF NOT EXISTS code_throttles (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    wrong_codes INTEGER NOT NULL DEFAULT 0,
    throttled_until REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS trusted_devices (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_hash TEXT NOT NULL,
    passed REAL NOT NULL,
    PRIMARY KEY (user_id, device_hash)
);

-- sessions (domain/sessions.py)
CREATE TABLE IF NOT EXISTS sessions (
    cid TEXT PRIMARY KEY,
    domain INTEGER NOT NULL,
    device_hash TEXT NOT NULL,
    device_name TEXT,
    persistent INTEGER NOT NULL DEFAULT 0,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    pending_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    pending_state TEXT,
    created REAL NOT NULL,
    expires REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions(user_id);
CREATE TABLE IF NOT EXISTS user_devices (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_hash TEXT NOT NULL,
    first_seen REAL NOT NULL,
    PRIMARY KEY (user_id, device_hash)
);

-- throttles (domain/throttles.py)
CREATE TABLE IF NOT EXISTS throttles (
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    window_ends REAL NOT NULL,
    PRIMARY KEY (scope, subject)
);

-- totp (domain/totp.py)
CREATE TABLE IF NOT EXISTS authenticators (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    last_step INTEGER,
    enrolled REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS authenticator_enrolments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    expires REAL NOT NULL,
    finished REAL
);

-- uploads (domain/uploads.py)
CREATE TABLE IF NOT EXISTS uploads (
    file TEXT PRIMARY KEY,
    domain INTEGER NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    original TEXT NOT NULL,
    from_capture INTEGER NOT NULL,
    for_user_story INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    max_size INTEGER NOT NULL,
    data BLOB,
    uploaded REAL,
    finished REAL,
    context TEXT
);
CREATE INDEX IF NOT EXISTS uploads_user ON uploads (user_id);
CREATE TABLE IF NOT EXISTS profile_images (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    file TEXT NOT NULL REFERENCES uploads(file) ON DELETE CASCADE,
    url TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- webauthn_devices (domain/webauthn_devices.py)
CREATE TABLE IF NOT EXISTS u2f_devices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    public_key BLOB NOT NULL,
    sign_count INTEGER NOT NULL,
    host TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS u2f_registrations (
    cid TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    challenge TEXT NOT NULL,
    expires REAL NOT NULL
);
