package dev.portcullis.archfixture.policy;

import dev.portcullis.archfixture.policy.web.Page;

/** Uses the feature's page package, which uses this package. */
class Pages {

	Page page;

}
