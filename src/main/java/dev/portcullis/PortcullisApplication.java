package dev.portcullis;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Portcullis: a web dashboard and policy editor for Kubernetes network policies. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PortcullisApplication {

	public static void main(String[] args) {
		SpringApplication.run(PortcullisApplication.class, args);
	}

}
