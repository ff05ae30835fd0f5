/**
 * The normalised, read-only view of a conversation: {@link
 * dev.portcullis.policy.conversation.ConversationReader} reads a request or a whole answer of any
 * {@link dev.portcullis.policy.conversation.ApiFamily} into a {@link
 * dev.portcullis.policy.conversation.Conversation} (tools offered, tool calls, tool results,
 * texts), so policies are written once instead of once per API. One package-private reader per
 * family knows that family's shapes. Pure and without I/O.
 */
package dev.portcullis.policy.conversation;
