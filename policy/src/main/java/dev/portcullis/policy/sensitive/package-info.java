/**
 * Sensitive-data detection: {@link dev.portcullis.policy.sensitive.Detectors} names the detectors
 * (secrets and personal data), {@link dev.portcullis.policy.sensitive.SensitiveScanner} runs a
 * chosen set over a text and redacts what they find with typed placeholders, and
 * {@link dev.portcullis.policy.sensitive.StreamingRedactor} does the same over a streamed answer
 * with a bounded look-behind. Pure and without I/O: what to do with a finding ({@code block},
 * {@code redact}, {@code log}) is the caller's policy.
 */
package dev.portcullis.policy.sensitive;
