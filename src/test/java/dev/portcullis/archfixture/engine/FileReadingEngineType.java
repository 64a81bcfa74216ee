package dev.portcullis.archfixture.engine;

import java.io.File;

/** Breaks the engine's no-I/O rule: it touches files. */
public class FileReadingEngineType {

	boolean exists(String path) {
		return new File(path).exists();
	}

}
