-- An administrator's password reset hands over a password someone else knows: the flag makes its
-- owner replace it at the next sign-in (the GUI asks first, the CLI refuses other commands). Set
-- by a reset, cleared when the user changes their own password.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
    CHECK (must_change_password IN (0, 1));
