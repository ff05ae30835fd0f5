package dev.portcullis.auth.store;

/** An LLM proxy (a profile or agent of the calling platform): routes name it by id; one is the default. */
public record LlmProxy(String id, String name, boolean isDefault, long createdAt) {}
