/**
 * View-synthesis scores as a user sees them, per number of context views M: PSNR and SSIM at the
 * query camera of the model's prior mean (z = the prior's mean at every step), of a prior sample,
 * and of the prior mean at a wrong camera (another view's camera of the same scene), beside the
 * model-free baselines of view-baselines.ts. Two figures sum it up:
 *
 * - viewpoint gap = PSNR(prior mean, true camera) - PSNR(prior mean, wrong camera): 0 for a
 *   model that ignores the camera;
 * - margin over the oracle = PSNR(prior mean) - PSNR(scene-mean oracle): negative for every
 *   camera-blind predictor, in expectation.
 *
 * PSNR is also binned by the angle between the query and its nearest context camera, where a
 * model that only copies views falls off and one that renders does not.
 */
import { psnr, ssim } from './image-metrics.js';
import { meanImage, nearestView } from './view-baselines.js';

/** Upper edges of the angle bins, degrees. */
export const ANGLE_BINS = [15, 30, 60, 90, 180];

/** One scene's views and the predictions for its query (flat HWC images in [0, 1]). */
export interface SceneViews {
  /** The M context images and their viewpoints. */
  context: Float32Array[];
  contextViewpoints: Float32Array[];
  /** Every view of the scene (for the scene-mean oracle), the query among them. */
  allViews: Float32Array[];
  query: Float32Array;
  queryViewpoint: Float32Array;
}

export interface Predictions {
  priorMean: Float32Array;
  priorSample: Float32Array;
  /** The prior mean with the query camera replaced by another view's camera. */
  wrongCamera: Float32Array;
}

export interface AngleBin {
  /** Upper edge of the bin (degrees); the lower edge is the previous bin's. */
  upToDegrees: number;
  scenes: number;
  psnrPriorMean: number;
  psnrNearestView: number;
}

export interface ViewScores {
  psnrPriorMean: number;
  ssimPriorMean: number;
  psnrPriorSample: number;
  ssimPriorSample: number;
  psnrWrongCamera: number;
  ssimWrongCamera: number;
  psnrSceneMean: number;
  ssimSceneMean: number;
  psnrContextMean: number;
  ssimContextMean: number;
  psnrNearestView: number;
  ssimNearestView: number;
  /** psnrPriorMean - psnrWrongCamera. */
  viewpointGap: number;
  /** psnrPriorMean - psnrSceneMean. */
  marginOverOracle: number;
  byAngle: AngleBin[];
}

type Sums = Omit<ViewScores, 'viewpointGap' | 'marginOverOracle' | 'byAngle'>;
const KEYS: (keyof Sums)[] = [
  'psnrPriorMean', 'ssimPriorMean', 'psnrPriorSample', 'ssimPriorSample', 'psnrWrongCamera', 'ssimWrongCamera',
  'psnrSceneMean', 'ssimSceneMean', 'psnrContextMean', 'ssimContextMean', 'psnrNearestView', 'ssimNearestView',
];

/** Accumulates per-scene scores; `result` averages them. */
export class ViewScoreSums {
  private readonly sums = Object.fromEntries(KEYS.map((k) => [k, 0])) as Sums;
  private readonly bins = ANGLE_BINS.map((upToDegrees) => ({ upToDegrees, scenes: 0, psnrPriorMean: 0, psnrNearestView: 0 }));
  count = 0;

  constructor(private readonly side: number) {}

  add(scene: SceneViews, p: Predictions): void {
    const truth = scene.query;
    const pair = (key: 'PriorMean' | 'PriorSample' | 'WrongCamera' | 'SceneMean' | 'ContextMean' | 'NearestView', image: Float32Array): number => {
      const value = psnr(image, truth);
      this.sums[`psnr${key}`] += value;
      this.sums[`ssim${key}`] += ssim(image, truth, this.side);
      return value;
    };
    const priorMean = pair('PriorMean', p.priorMean);
    pair('PriorSample', p.priorSample);
    pair('WrongCamera', p.wrongCamera);
    pair('SceneMean', meanImage(scene.allViews));
    pair('ContextMean', meanImage(scene.context));
    const nearest = nearestView(scene.contextViewpoints, scene.queryViewpoint);
    const nearestPsnr = pair('NearestView', scene.context[nearest.index]);
    const degrees = (nearest.angle * 180) / Math.PI;
    const bin = this.bins.find((b) => degrees <= b.upToDegrees + 1e-9) ?? this.bins[this.bins.length - 1];
    bin.scenes += 1;
    bin.psnrPriorMean += priorMean;
    bin.psnrNearestView += nearestPsnr;
    this.count += 1;
  }

  result(): ViewScores {
    if (this.count === 0) throw new Error('ViewScoreSums: no scenes scored');
    const mean = Object.fromEntries(KEYS.map((k) => [k, this.sums[k] / this.count])) as Sums;
    return {
      ...mean,
      viewpointGap: mean.psnrPriorMean - mean.psnrWrongCamera,
      marginOverOracle: mean.psnrPriorMean - mean.psnrSceneMean,
      byAngle: this.bins.map((b) => ({
        upToDegrees: b.upToDegrees, scenes: b.scenes,
        psnrPriorMean: b.scenes ? b.psnrPriorMean / b.scenes : NaN,
        psnrNearestView: b.scenes ? b.psnrNearestView / b.scenes : NaN,
      })),
    };
  }
}
