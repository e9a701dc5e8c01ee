package dev.freshrag.embed.reindex;

/** {@link QdrantIndexProfile} once more: a fresh double and kb.generations (a profile of its own restarts both). */
public class QdrantReplicasProfile extends QdrantIndexProfile {
}
