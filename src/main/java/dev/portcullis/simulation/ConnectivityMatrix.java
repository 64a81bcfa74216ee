package dev.portcullis.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.eval.Decision;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * The connectivity matrix: every row endpoint (a source) against every column endpoint (a destination) on every
 * port, decided against a state and optionally a second one, cells whose verdict differs marked changed. Cells of
 * the same traffic are decided once; no explanations (a page asks {@link Simulations#simulate} for the one cell a
 * user clicks).
 */
@Component
public class ConnectivityMatrix {

	/** Most rows or columns. */
	public static final int MAX_ENDPOINTS = 200;

	/** Most ports. */
	public static final int MAX_PORTS = 32;

	private final Simulations simulations;

	private final EnginePool engine;

	ConnectivityMatrix(Simulations simulations, EnginePool engine) {
		this.simulations = simulations;
		this.engine = engine;
	}

	/** A port of the matrix. */
	public record Port(int port, Protocol protocol) {
	}

	/**
	 * One cell.
	 * @param row the source's index in the rows
	 * @param column the destination's index in the columns
	 * @param port the port's index in the ports
	 * @param verdict the verdict in the state
	 * @param deniedAt which side denies (egress at the source, ingress at the destination), or null
	 * @param compare the verdict in the compared state, or null without one
	 * @param changed whether the compared verdict differs
	 */
	public record Cell(int row, int column, int port, Decision.Verdict verdict, @Nullable Direction deniedAt,
			Decision.@Nullable Verdict compare, boolean changed) {
	}

	/**
	 * The matrix.
	 * @param state the state decided against
	 * @param compareState the compared state, or null
	 * @param rows the sources
	 * @param columns the destinations
	 * @param ports the ports
	 * @param cells row by row, column by column, port by port
	 * @param changed how many cells changed
	 */
	public record Matrix(StateUsed state, @Nullable StateUsed compareState, List<Traffic.Endpoint> rows,
			List<Traffic.Endpoint> columns, List<Port> ports, List<Cell> cells, int changed) {

		/** The cell of row {@code r}, column {@code c}, port {@code p}. */
		public Cell cell(int r, int c, int p) {
			return this.cells.get((r * this.columns.size() + c) * this.ports.size() + p);
		}

	}

	/**
	 * Every cell's decision, row by row, column by column, port by port, against a state and, when given, a second
	 * one. Equal traffic is decided once, on the engine pool; the result is emitted from the pool's thread, so that
	 * what a caller builds from it does not run on the event loop either. No limits: callers set their own.
	 *
	 * @param first the decisions against {@code state}
	 * @param compared the decisions against {@code compare}, or null without one
	 * @param state the state decided against
	 * @param compareState the compared state, or null
	 */
	public record Decisions(List<Decision> first, @Nullable List<Decision> compared, StateUsed state,
			@Nullable StateUsed compareState) {
	}

	/** Decides every row against every column on every port (see {@link Decisions}). */
	public Mono<Decisions> decide(String workspace, StateChoice state, @Nullable StateChoice compare,
			List<Traffic.Endpoint> rows, List<Traffic.Endpoint> columns, List<Port> ports) {
		Mono<Scenario> first = this.simulations.scenario(workspace, state);
		Mono<Optional<Scenario>> second = (compare != null)
				? this.simulations.scenario(workspace, compare).map(Optional::of) : Mono.just(Optional.empty());
		return first.zipWith(second).flatMap((both) -> this.engine.run(() -> {
			List<Traffic> traffic = new ArrayList<>(rows.size() * columns.size() * ports.size());
			for (Traffic.Endpoint row : rows) {
				for (Traffic.Endpoint column : columns) {
					for (Port port : ports) {
						traffic.add(new Traffic(row, column, port.protocol(), port.port(), null));
					}
				}
			}
			Scenario other = both.getT2().orElse(null);
			return new Decisions(both.getT1().decideAll(traffic, false),
					(other != null) ? other.decideAll(traffic, false) : null, both.getT1().state(),
					(other != null) ? other.state() : null);
		}));
	}

	/** Decides the matrix; rows, columns and ports within {@link #MAX_ENDPOINTS} and {@link #MAX_PORTS}. */
	public Mono<Matrix> matrix(String workspace, StateChoice state, @Nullable StateChoice compare,
			List<Traffic.Endpoint> rows, List<Traffic.Endpoint> columns, List<Port> ports) {
		if (rows.size() > MAX_ENDPOINTS || columns.size() > MAX_ENDPOINTS || ports.size() > MAX_PORTS) {
			return Mono.error(new IllegalArgumentException("at most " + MAX_ENDPOINTS + " rows and columns and "
					+ MAX_PORTS + " ports"));
		}
		return decide(workspace, state, compare, rows, columns, ports).map((decided) -> {
			List<Decision> decisions = decided.first();
			List<Decision> compared = decided.compared();
			List<Cell> cells = new ArrayList<>(decisions.size());
			int changed = 0;
			int i = 0;
			for (int r = 0; r < rows.size(); r++) {
				for (int c = 0; c < columns.size(); c++) {
					for (int p = 0; p < ports.size(); p++) {
						Decision decision = decisions.get(i);
						Decision.Verdict otherVerdict = (compared != null) ? compared.get(i).verdict() : null;
						boolean differs = otherVerdict != null && otherVerdict != decision.verdict();
						changed += differs ? 1 : 0;
						cells.add(new Cell(r, c, p, decision.verdict(), decision.deniedAt(), otherVerdict, differs));
						i++;
					}
				}
			}
			return new Matrix(decided.state(), decided.compareState(), List.copyOf(rows), List.copyOf(columns),
					List.copyOf(ports), cells, changed);
		});
	}

}
