package dev.portcullis.engine.api;

/**
 * L4 protocols of policies and flows. {@link #ANY} (or an omitted protocol) in a policy means TCP, UDP and
 * SCTP. ICMP protocols only occur in flows; policies match them through {@code icmps}.
 */
public enum Protocol {

	TCP, UDP, SCTP, ANY, VRRP, IGMP, ICMPV4, ICMPV6

}
