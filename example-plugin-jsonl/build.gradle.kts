// The example plugin built with Gradle (8.x, Kotlin DSL), as a plugin author who uses Gradle would:
//   gradle build   compiles against fulmen-api, runs the class-path tests (*Test), builds
//                  build/example-plugin-jsonl.zip, runs the bundle test (*IT) on that zip.
// UNVERIFIED: follows Gradle's documented APIs but has never been run (no Gradle 8 on Fulmen's build machines);
// the Maven build (pom.xml) is the checked one. Fulmen's snapshots come from ~/.m2 (./quickstart installs them).
plugins {
    `java-library`
}

group = "io.fulmen"
version = "0.1.0-SNAPSHOT"

val fulmenVersion = "0.1.0-SNAPSHOT"

repositories {
    mavenLocal {
        content { includeGroup("io.fulmen") }
    }
    mavenCentral()
}

dependencies {
    // The api is provided by the application at run time: compileOnly keeps it out of the bundle's lib/.
    compileOnly(platform("io.fulmen:fulmen-bom:$fulmenVersion"))
    compileOnly("io.fulmen:fulmen-api")

    testImplementation(platform("io.fulmen:fulmen-bom:$fulmenVersion"))
    testImplementation("io.fulmen:fulmen-api")
    testImplementation("io.fulmen:fulmen-testkit")
    testImplementation(platform("org.junit:junit-bom:5.14.4"))
    testImplementation("org.junit.jupiter:junit-jupiter")
    testRuntimeOnly("org.junit.platform:junit-platform-launcher")
}

tasks.withType<JavaCompile>().configureEach {
    options.release.set(17)
    options.encoding = "UTF-8"
    options.compilerArgs.add("-Xlint:all,-processing")
}

// plugin.properties carries Maven's version placeholders (build-helper's parsedVersion); Gradle fills in the same.
val bundleVersion = version.toString().removeSuffix("-SNAPSHOT")
val mavenVersionToken = "\${parsedVersion.majorVersion}.\${parsedVersion.minorVersion}.\${parsedVersion.incrementalVersion}"

// The PF4J bundle: plugin.properties at the root, this jar and its runtime libraries in lib/ (none here).
val pluginBundle by tasks.registering(Zip::class) {
    group = "build"
    description = "Builds the Fulmen plugin bundle zip."
    archiveFileName.set("${project.name}.zip")
    destinationDirectory.set(layout.buildDirectory)
    from("src/bundle/plugin.properties") {
        filter { line: String -> line.replace(mavenVersionToken, bundleVersion) }
    }
    into("lib") {
        from(tasks.jar)
        from(configurations.runtimeClasspath)
    }
}

tasks.assemble {
    dependsOn(pluginBundle)
}

tasks.test {
    useJUnitPlatform()
    exclude("**/*IT.class")
    systemProperty("ai.djl.offline", "true")
}

// The bundle tests: PluginTestKit.fitAsBundle loads the zip pluginBundle built (system property fulmen.bundle).
val bundleTest by tasks.registering(Test::class) {
    group = "verification"
    description = "Runs the *IT tests on the plugin bundle zip."
    testClassesDirs = sourceSets.test.get().output.classesDirs
    classpath = sourceSets.test.get().runtimeClasspath
    useJUnitPlatform()
    include("**/*IT.class")
    systemProperty("ai.djl.offline", "true")
    val bundleZip = pluginBundle.flatMap { it.archiveFile }
    inputs.file(bundleZip)
    jvmArgumentProviders.add(CommandLineArgumentProvider {
        listOf("-Dfulmen.bundle=" + bundleZip.get().asFile.absolutePath)
    })
    shouldRunAfter(tasks.test)
}

tasks.check {
    dependsOn(bundleTest)
}
