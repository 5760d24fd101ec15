/** The class report as JSON: the model itself (report-model.ts), withheld figures as `{"suppressed": "fewer than 5"}`. */
import type { ClassReport } from './report-model.js';

export function renderReportJson(report: ClassReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
