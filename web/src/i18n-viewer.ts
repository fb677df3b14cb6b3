// The UI's texts for the file viewer (images, PDF, audio, video, text, Markdown), in English and Chinese.

export const VIEWER_EN = {
  viewerClose: 'Close the viewer',
  viewerPrevious: 'Previous image',
  viewerNext: 'Next image',
  viewerPosition: (at: number, of: number) => `Image ${at} of ${of}`,
  viewerDownload: 'Download',
  viewerDownloadName: (name: string) => `Download ${name}`,
  viewerLoading: 'Loading…',
  viewerTooLarge: (size: string, limit: string) => `This file is ${size}, too large to show here (the limit is ${limit}). Download it instead.`,
  viewerCannotShow: 'This kind of file cannot be shown here.',
  viewerGone: 'This file is not in the folder (any more).',
  viewerPdf: (name: string) => `PDF document ${name}`,
  viewerText: (name: string) => `Contents of ${name}`,
  viewerNoAudio: 'This browser cannot play this audio.',
  viewerNoVideo: 'This browser cannot play this video.',
};

export const VIEWER_ZH: typeof VIEWER_EN = {
  viewerClose: '关闭查看器',
  viewerPrevious: '上一张图片',
  viewerNext: '下一张图片',
  viewerPosition: (at, of) => `第 ${at} 张，共 ${of} 张`,
  viewerDownload: '下载',
  viewerDownloadName: (name) => `下载 ${name}`,
  viewerLoading: '正在加载…',
  viewerTooLarge: (size, limit) => `此文件大小为 ${size}，太大，无法在此显示（上限为 ${limit}）。请下载查看。`,
  viewerCannotShow: '无法在此显示这种文件。',
  viewerGone: '此文件不在（或已不在）该文件夹中。',
  viewerPdf: (name) => `PDF 文档 ${name}`,
  viewerText: (name) => `${name} 的内容`,
  viewerNoAudio: '此浏览器无法播放该音频。',
  viewerNoVideo: '此浏览器无法播放该视频。',
};
