package dev.portcullis.flow.sources;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.test.context.TestPropertySource;

/**
 * The one context in which the app follows flow sources during tests (every other test context has
 * {@code portcullis.flows.sources.enabled=false}, so that no cached context claims a test's source): fast ticks,
 * short leases and backoff, the exporter tests' directory as the allowed root, a fixed sealing key.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@TestPropertySource(properties = { "portcullis.flows.sources.enabled=true", "portcullis.flows.sources.tick=300ms",
		"portcullis.flows.sources.lease=3s", "portcullis.flows.sources.backoff-initial=200ms",
		"portcullis.flows.sources.backoff-max=800ms", "portcullis.flows.sources.files-poll=200ms",
		"portcullis.flows.sources.batch-size=50",
		"portcullis.flows.sources.file-roots=${java.io.tmpdir}/portcullis-exporter-tests",
		"portcullis.flows.sources.secret-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" })
@interface FollowingSources {
}
