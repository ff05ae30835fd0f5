package dev.portcullis.router.models;

/** One model a provider listed: its native id and, when the provider said, its creation time (Unix seconds). */
record ListedModel(String id, long created) {}
