/**
 * Evaluation of a policy document: {@link dev.portcullis.policy.rules.CompiledPolicy} compiles
 * one once and answers the gateway's questions (may this tool call pass, how far is this tool
 * result trusted, which detectors run on which side and what their findings mean).
 */
package dev.portcullis.policy.rules;
