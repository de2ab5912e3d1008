/**
 * Reading the applicant's ID scan, and a stand-in OCR engine. The app's camera screen
 * sends the picture's size and a sharpness score it measured (0 blurred … 1 crisp);
 * the stand-in refuses what a real engine could not read.
 */

export interface IdScan {
  documentType: 'ID_CARD' | 'DRIVER_LICENSE';
  width: number;
  height: number;
  sharpness: number;
}

export type OcrResult = { readable: true; confidence: number } | { readable: false; why: string };

export interface DocumentOcr {
  read(scan: IdScan): OcrResult;
}

export interface StandInOcrOptions {
  /** Sharpest picture still refused. Default 0.45. */
  minSharpness?: number;
  /** Fewest pixels on the short side. Default 720. */
  minShortSide?: number;
}

export function createStandInOcr({ minSharpness = 0.45, minShortSide = 720 }: StandInOcrOptions = {}): DocumentOcr {
  return {
    read(scan) {
      if (Math.min(scan.width, scan.height) < minShortSide) return { readable: false, why: `resolution under ${minShortSide} px` };
      if (scan.sharpness < minSharpness) return { readable: false, why: 'too blurred to read' };
      return { readable: true, confidence: Math.round((0.8 + 0.2 * scan.sharpness) * 100) / 100 };
    },
  };
}
