import { Global, Module } from '@nestjs/common';
import { DictionariesController } from './dictionaries.controller.js';
import { DictionariesService } from './dictionaries.service.js';

@Global()
@Module({
  controllers: [DictionariesController],
  providers: [DictionariesService],
  exports: [DictionariesService],
})
export class DictionariesModule {}
