import type {
  CallOptions,
  ConsistencyRequest,
  ConsistencyScorer,
  EpisodeDeveloper,
  EpisodeDevelopmentRequest,
  EpisodeListingRequest,
  ImageModel,
  KeyframeRequest,
  LineTranslationRequest,
  LineTranslator,
  ListingTranslationRequest,
  ReferenceSheetRequest,
  SceneScriptRequest,
  SpeechModel,
  SpeechRequest,
  TextModel,
  TitleTranslationRequest,
} from '../../core/contracts/ports.js';
import { estimateDevelopmentTokens } from '../../core/prompts/development-prompt.js';
import { estimateListingTokens } from '../../core/prompts/listing-prompt.js';
import { estimatePromptTokens, estimateTranslationTokens } from '../../core/prompts/script-prompt.js';
import { type RouteLadders, routeCall } from './route.js';

/** Each port, served along its route: the stages hold these and never see a single model. */

export class RoutedTextModel implements TextModel {
  constructor(private readonly ladders: RouteLadders<TextModel>) {}

  writeScene(request: SceneScriptRequest, options: CallOptions = {}) {
    return routeCall(this.ladders, options, estimatePromptTokens(request), (rung, o) =>
      rung.port.writeScene(request, o),
    );
  }

  writeListing(request: EpisodeListingRequest, options: CallOptions = {}) {
    return routeCall(this.ladders, options, estimateListingTokens(request), (rung, o) =>
      rung.port.writeListing(request, o),
    );
  }
}

export class RoutedLineTranslator implements LineTranslator {
  constructor(private readonly ladders: RouteLadders<LineTranslator>) {}

  translateLine(request: LineTranslationRequest, options: CallOptions = {}) {
    return routeCall(this.ladders, options, estimateTranslationTokens(request), (rung, o) =>
      rung.port.translateLine(request, o),
    );
  }

  translateTitle(request: TitleTranslationRequest, options: CallOptions = {}) {
    return routeCall(this.ladders, options, estimateTranslationTokens(request), (rung, o) =>
      rung.port.translateTitle(request, o),
    );
  }

  translateListing(request: ListingTranslationRequest, options: CallOptions = {}) {
    return routeCall(this.ladders, options, estimateListingTokens(request), (rung, o) =>
      rung.port.translateListing(request, o),
    );
  }
}

export class RoutedEpisodeDeveloper implements EpisodeDeveloper {
  constructor(private readonly ladders: RouteLadders<EpisodeDeveloper>) {}

  developPart(request: EpisodeDevelopmentRequest, options: CallOptions = {}) {
    return routeCall(this.ladders, options, estimateDevelopmentTokens(request), (rung, o) =>
      rung.port.developPart(request, o),
    );
  }
}

export class RoutedImageModel implements ImageModel {
  constructor(private readonly ladders: RouteLadders<ImageModel>) {}

  drawReferenceSheet(request: ReferenceSheetRequest, options: CallOptions = {}) {
    return routeCall(this.ladders, options, undefined, (rung, o) => rung.port.drawReferenceSheet(request, o));
  }

  drawKeyframe(request: KeyframeRequest, options: CallOptions = {}) {
    return routeCall(this.ladders, options, undefined, (rung, o) => rung.port.drawKeyframe(request, o));
  }
}

export class RoutedConsistencyScorer implements ConsistencyScorer {
  /** Scores from different scorers are on different scales: the route keeps to its first scorer's. */
  readonly defaultThreshold?: number;

  constructor(private readonly ladders: RouteLadders<ConsistencyScorer>) {
    this.defaultThreshold = ladders[0]?.[0]?.port.defaultThreshold;
  }

  score(request: ConsistencyRequest, options: CallOptions = {}) {
    return routeCall(this.ladders, options, undefined, (rung, o) => rung.port.score(request, o));
  }
}

export class RoutedSpeechModel implements SpeechModel {
  constructor(private readonly ladders: RouteLadders<SpeechModel>) {}

  speak(request: SpeechRequest, options: CallOptions = {}) {
    return routeCall(this.ladders, options, undefined, (rung, o) => rung.port.speak(request, o));
  }
}
