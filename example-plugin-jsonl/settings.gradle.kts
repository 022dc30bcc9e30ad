// Gradle build of the example plugin, beside its Maven build (pom.xml): same sources, same bundle layout.
// UNVERIFIED: written to Gradle's documented Kotlin DSL (Gradle 8.x), but never run in Fulmen's build machines,
// where no Gradle 8 can be installed. Needs Fulmen installed in ~/.m2 first (./quickstart does that).
rootProject.name = "example-plugin-jsonl"
