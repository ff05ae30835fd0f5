/**
 * The per-proxy policy document: {@link dev.portcullis.policy.document.PolicyDocument} (its
 * evaluation rules are told there), read strictly by
 * {@link dev.portcullis.policy.document.PolicyDocumentParser} and written in a canonical form.
 * The document's parts that run on attacker-influenced input compile to linear-time matchers: tool
 * globs and regular expressions to RE2/J, JSON paths to Jayway with its regex filter refused.
 * Evaluation lives in {@link dev.portcullis.policy.rules}.
 */
package dev.portcullis.policy.document;
