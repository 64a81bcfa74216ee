package dev.portcullis.web;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.TypeMismatchException;
import org.springframework.boot.web.error.ErrorAttributeOptions;
import org.springframework.boot.webflux.error.DefaultErrorAttributes;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.ServerWebInputException;

/**
 * What the error page ({@code templates/error/error.html}) shows besides Spring Boot's status, error and request
 * id: {@code detail}, one sentence for the user when the error has one (a {@link PageError}'s reason, or which query
 * parameter is not a number); and, for a browser that asked for HTML, what the layout needs to show the navigation,
 * the user and sign-out: {@code currentUser} and {@code _csrf} as the identity package left them in the exchange's
 * attributes ({@link #CURRENT_USER}, {@code _csrf}), and {@code appVersion}. JSON error bodies never get those.
 */
@Component
public class ErrorPageAttributes extends DefaultErrorAttributes {

	/** The exchange attribute holding the signed-in user as the layout shows them, when an error page is rendered. */
	public static final String CURRENT_USER = ErrorPageAttributes.class.getName() + ".currentUser";

	/** The exchange attribute holding the CSRF token (the name Spring Security's form processor reads). */
	public static final String CSRF = "_csrf";

	private final LayoutAdvice layout;

	ErrorPageAttributes(LayoutAdvice layout) {
		this.layout = layout;
	}

	@Override
	public Map<String, Object> getErrorAttributes(ServerRequest request, ErrorAttributeOptions options) {
		Map<String, Object> attributes = super.getErrorAttributes(request, options);
		String detail = detail(getError(request));
		if (detail != null) {
			attributes.put("detail", detail);
		}
		if (wantsPage(request)) {
			request.attribute(CURRENT_USER).ifPresent((user) -> attributes.put("currentUser", user));
			request.attribute(CSRF).ifPresent((token) -> attributes.put(CSRF, token));
			attributes.put("appVersion", this.layout.appVersion());
		}
		return attributes;
	}

	/** The sentence for the user, null when the error has none that may be shown. */
	static @Nullable String detail(Throwable error) {
		if (error instanceof PageError page) {
			return page.getReason();
		}
		if (error instanceof ServerWebInputException input && input.getCause() instanceof TypeMismatchException mismatch
				&& input.getMethodParameter() != null) {
			String name = input.getMethodParameter().getParameterName();
			Class<?> type = mismatch.getRequiredType();
			if (name != null && type != null && (Number.class.isAssignableFrom(type) || type.isPrimitive())) {
				return "The " + name + " must be a whole number, such as 3.";
			}
		}
		return null;
	}

	/** Whether the request is a browser's that accepts HTML (not only {@code *}{@code /*}), as the error handler asks. */
	private static boolean wantsPage(ServerRequest request) {
		List<MediaType> accepted = request.headers().accept();
		return accepted.stream().anyMatch((type) -> !type.isWildcardType() && MediaType.TEXT_HTML.isCompatibleWith(type));
	}

}
