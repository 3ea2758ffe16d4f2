-- What a model-risk validator needs to rebuild a model half: the data digest of this party's
-- inputs, every parameter including the seed, the scheme and key size, the version that trained
-- it and the digest of the result (JSON; docs/training.md "Reproducible models").
ALTER TABLE models ADD COLUMN record TEXT;
