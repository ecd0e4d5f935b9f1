import { EmptyState } from "@weir/ui";
import { EstimatorIcon } from "./icons";

/** The cost estimator, shared by the console and the public /estimator page. */
export function EstimatorEmpty() {
  return (
    <EmptyState icon={<EstimatorIcon />} title="The cost estimator is on its way" data-testid="estimator-empty">
      <p>
        Plan Kafka brokers, storage, data transfer and Spark nodes and see the monthly price, line by line — priced by
        the same engine and price book that produce your invoices, so an estimate and a bill never disagree.
      </p>
      <p className="mt-2 text-slate-500">The estimator arrives with the pricing feature; no sign-in will be needed.</p>
    </EmptyState>
  );
}
