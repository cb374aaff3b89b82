/** `gqn eval`'s text report for a GQN run: the view-synthesis table, the objective, PSNR by angle. */
import type { ContextResult, EvalReport } from './scene-eval.js';
import { table } from './text-table.js';

export function formatReport(r: EvalReport): string {
  const head = `run ${r.run} (step ${r.step}), ${r.split} split of ${r.data}: ${r.scenes} scenes, ${r.imageSize}x${r.imageSize}, sigma ${r.sigma.toFixed(3)}`;
  const db = (x: number) => x.toFixed(2);
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
  const viewCols = ['M', 'prior mean', 'sample', 'wrong camera', 'viewpoint gap', 'scene-mean oracle', 'context mean', 'nearest view', 'margin over oracle', 'SSIM mean'];
  const viewRow = (label: string, x: ContextResult) => [
    label, db(x.psnrPriorMean), db(x.psnrPriorSample), db(x.psnrWrongCamera), signed(x.viewpointGap),
    db(x.psnrSceneMean), db(x.psnrContextMean), db(x.psnrNearestView), signed(x.marginOverOracle), x.ssimPriorMean.toFixed(3),
  ];
  const rows = r.results.map((x) => viewRow(String(x.contextViews), x));
  if (r.wrongScene) rows.push(viewRow(`${r.wrongScene.contextViews} other scene`, r.wrongScene));
  const elboCols = ['M', '-ELBO', 'NLL', 'KL', 'bits/dim', 'PSNR post', 'SSIM post'];
  const elboRow = (label: string, x: ContextResult) => [
    label, x.elbo.toFixed(1), x.nll.toFixed(1), x.kl.toFixed(2), x.elboBitsPerDim.toFixed(4), db(x.psnrPosterior), x.ssimPosterior.toFixed(3),
  ];
  const elboRows = r.results.map((x) => elboRow(String(x.contextViews), x));
  if (r.wrongScene) elboRows.push(elboRow(`${r.wrongScene.contextViews} other scene`, r.wrongScene));
  // The angle table for one M: 3 (the usual benchmark) when evaluated, else the smallest.
  const angleM = r.results.find((x) => x.contextViews === 3) ?? r.results[0];
  const angleRows = angleM ? angleM.byAngle.filter((b) => b.scenes > 0).map((b, i, all) => [
    `${i === 0 ? 0 : all[i - 1].upToDegrees}-${b.upToDegrees}`, String(b.scenes), db(b.psnrPriorMean), db(b.psnrNearestView),
  ]) : [];
  return [
    head,
    'View synthesis at the query camera, PSNR in dB (prior mean: z = the prior\'s mean; sample: one prior draw; wrong camera: the',
    ' prior mean at another view\'s camera of the scene; viewpoint gap = prior mean - wrong camera; the oracle is the mean of all',
    ' the scene\'s views, the best any camera-blind predictor can do; "other scene": the next scene\'s context views):',
    ...table(viewCols, rows),
    '',
    'Objective (nats per image; post = posterior reconstruction, target seen):',
    ...table(elboCols, elboRows),
    ...(angleM ? ['', `PSNR by the angle between the query and its nearest context camera (M = ${angleM.contextViews}):`,
      ...table(['degrees', 'scenes', 'prior mean', 'nearest view'], angleRows)] : []),
    ...(r.skippedRecords > 0 ? ['', `${r.skippedRecords} corrupt record${r.skippedRecords > 1 ? 's' : ''} skipped (--skip-corrupt)`] : []),
  ].join('\n');
}
