package dev.portcullis.auth.store;

/** An LLM proxy (the seed's profile or agent): routes name it by id; one is the default. */
public record LlmProxy(String id, String name, boolean isDefault, long createdAt) {}
